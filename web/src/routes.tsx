import { Loader } from "@mantine/core";
import { lazy, Suspense } from "react";
import { createBrowserRouter, Navigate } from "react-router";
import { Shell } from "./components/Shell";
import { useAuth } from "./auth/AuthProvider";
import { home } from "./nav";
import { Board } from "./pages/Board";
import { Calendars } from "./pages/Calendars";
import { OrderPage } from "./pages/OrderPage";
import { PurchaseOrderPage, PurchaseOrders } from "./pages/Purchasing";
import { ResetPassword } from "./pages/ResetPassword";
import { Station } from "./pages/Station";
import { Stock } from "./pages/Stock";
import { UnitPage } from "./pages/UnitPage";
import { Users } from "./pages/Users";
import { Account } from "./pages/Account";
import { Notifications } from "./pages/Notifications";

// Loaded when first opened: its charts are most of the app's script.
const Analytics = lazy(() => import("./pages/Analytics").then((module) => ({ default: module.Analytics })));

function Home() {
  const { me } = useAuth();
  return <Navigate to={home(me?.actions ?? [])} replace />;
}

export const router = createBrowserRouter([
  { path: "/reset-password", element: <ResetPassword /> },
  {
    path: "/",
    element: <Shell />,
    children: [
      { index: true, element: <Home /> },
      { path: "board", element: <Board /> },
      { path: "orders/:number", element: <OrderPage /> },
      { path: "units/:serial", element: <UnitPage /> },
      { path: "station", element: <Station /> },
      { path: "station/:stage", element: <Station /> },
      { path: "stock", element: <Stock /> },
      { path: "purchasing", element: <PurchaseOrders /> },
      { path: "purchasing/:number", element: <PurchaseOrderPage /> },
      {
        path: "analytics",
        element: (
          <Suspense fallback={<Loader />}>
            <Analytics />
          </Suspense>
        ),
      },
      { path: "calendars", element: <Calendars /> },
      { path: "users", element: <Users /> },
      { path: "account", element: <Account /> },
      { path: "notifications", element: <Notifications /> },
      { path: "*", element: <Home /> },
    ],
  },
]);
