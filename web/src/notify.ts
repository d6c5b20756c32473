import { notifications } from "@mantine/notifications";
import i18n from "./i18n";

/** A short confirmation that something was done (the screen also shows its effect). */
export function done(message: string): void {
  notifications.show({
    message,
    color: "green",
    autoClose: 3000,
    closeButtonProps: { "aria-label": i18n.t("common.close") },
  });
}
