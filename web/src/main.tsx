import "@mantine/core/styles.css";
import "@mantine/charts/styles.css";
import "@mantine/notifications/styles.css";
import "./i18n";
import {
  MantineProvider,
  createTheme,
  defaultVariantColorsResolver,
  parseThemeColor,
  type CSSVariablesResolver,
  type VariantColorsResolver,
} from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { ApiError } from "./api/client";
import { AuthProvider } from "./auth/AuthProvider";
import { router } from "./routes";

// Light variants (a tinted background) keep readable text: shade 9 where it is dark enough,
// else the text colour itself.
const DARK_AT_9 = new Set(["blue", "red", "grape", "violet", "indigo", "pink", "cyan", "teal"]);
const readableLight: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== "light") return colors;
  const { color, isThemeColor } = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (!isThemeColor) return colors;
  const text = DARK_AT_9.has(color) ? `var(--mantine-color-${color}-9)` : "var(--mantine-color-black)";
  return { ...colors, color: text, hoverColor: "var(--mantine-color-black)" };
};

// Shade 8 for filled colours and a darker "dimmed": text on them keeps a 4.5:1 contrast (WCAG AA).
const theme = createTheme({
  primaryColor: "blue",
  primaryShade: 8,
  autoContrast: true,
  luminanceThreshold: 0.18,
  defaultRadius: "md",
  variantColorResolver: readableLight,
});
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    "--mantine-color-error": "var(--mantine-color-red-9)",
  },
  dark: {},
});
const queries = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A refusal is an answer; only outages are worth asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={contrast}>
      <Notifications />
      <QueryClientProvider client={queries}>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
