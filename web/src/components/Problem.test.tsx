import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { errorMessage } from "../api/client";
import i18n from "../i18n";
import { renderWithTheme } from "../test/render";
import { Problem } from "./Problem";

const SKILL = {
  detail: "Marta Nowak has level 1 soldering skill; soldering needs level 3",
  code: "not_qualified",
  worker: "Marta Nowak",
  skill: "soldering",
  needed: 3,
  level: 1,
};

describe("a refusal", () => {
  it("is said in the user's language from its code and details", async () => {
    await i18n.changeLanguage("ru");
    renderWithTheme(<Problem error={errorMessage(409, SKILL)} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Исполнителю нельзя выполнять этот этап");
    expect(screen.getByRole("alert")).toHaveTextContent("Marta Nowak: уровень навыка «Пайка» 1, нужен 3.");
  });

  it("keeps the API's own words, marked as English, where the app knows no sentence for it", async () => {
    await i18n.changeLanguage("ru");
    const said = { detail: "only 3 of SW-LIN-RED available", code: "insufficient_stock" };
    renderWithTheme(<Problem error={errorMessage(409, said)} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Не хватает на складе");
    expect(screen.getByText(said.detail)).toHaveAttribute("lang", "en");
  });
});
