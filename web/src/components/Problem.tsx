import { Alert, Text } from "@mantine/core";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client";

/** What went wrong, next to what caused it, in the user's language: a title from the error's
 * code, and a sentence from its details where the app knows the rule (a missing skill, busy
 * equipment); otherwise the API's own words, marked as English. A 403 says so plainly. */
export function Problem({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const forbidden = api?.status === 403;
  const fallback = forbidden
    ? t("problem.forbidden")
    : api?.status === 404
      ? t("problem.notFound")
      : api && api.status >= 500
        ? t("problem.unavailable")
        : t("problem.refused");
  const title = api?.code ? t(`problem.code.${api.code}`, { defaultValue: fallback }) : fallback;
  const sentence = api ? explain(api, t) : null;
  const message = error instanceof Error ? error.message : String(error);
  // The API speaks English: say so to a screen reader when the app speaks another language.
  const foreign = !i18n.resolvedLanguage?.startsWith("en");
  return (
    <Alert color={forbidden ? "orange" : "red"} title={title} role="alert" data-testid="problem">
      {sentence ?? (
        <Text span size="sm" lang={api && foreign ? "en" : undefined}>
          {message}
        </Text>
      )}
    </Alert>
  );
}

function explain(error: ApiError, t: TFunction): string | null {
  const d = error.details;
  if (error.code === "not_qualified") {
    return typeof d.needed === "number"
      ? t("problem.skill", { worker: d.worker, stage: t(`stage.${String(d.skill)}`), level: d.level, needed: d.needed })
      : t("problem.away", { worker: d.worker });
  }
  if (error.code === "equipment_busy") {
    return d.equipment ? t("problem.equipmentBusy", { equipment: d.equipment }) : t("problem.noEquipment");
  }
  return null;
}
