import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { CheckItem } from "../api/client";
import i18n from "../i18n";
import { renderWithTheme } from "../test/render";
import { Checklist } from "./Checklist";

const ITEMS: CheckItem[] = [
  { id: "a", position: 1, description: "Keys register", required: true, kind: "PASS_FAIL", min: null, max: null, unit: null },
  { id: "b", position: 2, description: "Stabiliser rattle", required: true, kind: "MEASURE", min: "0", max: "2.5", unit: "dB" },
  { id: "c", position: 3, description: "Case scratches", required: false, kind: "PASS_FAIL", min: null, max: null, unit: null },
];

describe("the inspector's checklist", () => {
  it("marks a measurement out of range as it is typed and shows the verdict before sending", async () => {
    await i18n.changeLanguage("en");
    const user = userEvent.setup();
    const sent = vi.fn();
    renderWithTheme(<Checklist items={ITEMS} onSubmit={sent} />);
    expect(screen.getByTestId("verdict")).toHaveTextContent("Not complete yet");
    expect(screen.getByRole("button", { name: "Record the inspection" })).toBeDisabled();
    expect(screen.getByText("0 – 2.5 dB")).toBeInTheDocument();

    await user.click(screen.getAllByText("Pass")[0]!);
    const measured = screen.getByRole("textbox", { name: "Stabiliser rattle" });
    await user.type(measured, "3");
    expect(screen.getByText("Out of range: 0 – 2.5 dB")).toBeInTheDocument();
    expect(screen.getByTestId("verdict")).toHaveTextContent("Verdict: fail");

    await user.clear(measured);
    await user.type(measured, "1,5");
    expect(screen.queryByText(/Out of range/)).not.toBeInTheDocument();
    expect(screen.getByTestId("verdict")).toHaveTextContent("Verdict: pass");

    await user.type(screen.getByRole("textbox", { name: "Comment on Stabiliser rattle" }), "quiet");
    await user.click(screen.getByRole("button", { name: "Record the inspection" }));
    expect(sent).toHaveBeenCalledWith([
      { item_id: "a", passed: true, value: null, comment: null },
      { item_id: "b", passed: null, value: 1.5, comment: "quiet" },
    ]);
  });

  it("is not complete while a required item is unanswered, then fails on a failed one", async () => {
    const user = userEvent.setup();
    renderWithTheme(<Checklist items={ITEMS} onSubmit={() => {}} />);
    await user.click(screen.getAllByText("Fail")[0]!);
    expect(screen.getByTestId("verdict")).toHaveTextContent("Not complete yet");
    await user.type(screen.getByRole("textbox", { name: "Stabiliser rattle" }), "abc");
    expect(screen.getByTestId("verdict")).toHaveTextContent("Not complete yet");
    await user.clear(screen.getByRole("textbox", { name: "Stabiliser rattle" }));
    await user.type(screen.getByRole("textbox", { name: "Stabiliser rattle" }), "1");
    expect(screen.getByTestId("verdict")).toHaveTextContent("Verdict: fail");
  });
});
