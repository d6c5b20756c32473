import { Button, Group, Popover, Stack, Text, type ButtonProps } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

type Props = ButtonProps & {
  label: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
};

/** An action that cannot be taken back: it asks once more before it is done. */
export function ConfirmButton({ label, question, onConfirm, disabled, ...button }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <Popover opened={open} onChange={setOpen} withArrow trapFocus position="bottom">
      <Popover.Target>
        <Button {...button} disabled={disabled} onClick={() => setOpen((o) => !o)}>
          {label}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" maw={280}>
          <Text size="sm">{question}</Text>
          <Group justify="flex-end">
            <Button variant="default" size="xs" onClick={() => setOpen(false)}>
              {t("common.no")}
            </Button>
            <Button
              size="xs"
              color={button.color}
              onClick={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {t("common.yes", { action: label })}
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
