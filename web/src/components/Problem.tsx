import { Alert } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client";

/** What went wrong, in the API's words, next to what caused it; a 403 says so plainly. */
export function Problem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const forbidden = error instanceof ApiError && error.status === 403;
  const title = forbidden
    ? t("problem.forbidden")
    : error instanceof ApiError && error.status === 404
      ? t("problem.notFound")
    : error instanceof ApiError && error.status >= 500
      ? t("problem.unavailable")
      : t("problem.refused");
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert color={forbidden ? "orange" : "red"} title={title} role="alert" data-testid="problem">
      {message}
    </Alert>
  );
}
