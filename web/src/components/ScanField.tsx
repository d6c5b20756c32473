import { TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api, unwrap } from "../api/client";

/** A barcode scanner types a code and presses Enter: an order number or a unit's serial. */
export function ScanField() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function open(scanned: string) {
    const text = scanned.trim().toUpperCase();
    if (!text) return;
    setError(null);
    try {
      if (/^ZK-\d+$/.test(text)) {
        navigate(`/orders/${text}`);
      } else if (/^PO-\d+$/.test(text)) {
        navigate(`/purchasing/${text}`);
      } else {
        const unit = await unwrap(
          api.GET("/api/production/units/{serial}", { params: { path: { serial: text } } }),
        );
        navigate(`/orders/${unit.order_number}`);
      }
      setCode("");
    } catch {
      setError(t("scan.unknown", { code: text }));
    }
  }

  return (
    <TextInput
      size="sm"
      miw={190}
      aria-label={t("scan.label")}
      placeholder={t("scan.placeholder")}
      value={code}
      error={error}
      onChange={(event) => setCode(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === "Enter") void open(code);
      }}
    />
  );
}
