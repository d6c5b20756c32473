// The inspector's checklist, judged as it is filled in. The API judges again when it is sent
// (domain/quality.py); this only shows the inspector the verdict before submitting.
import type { CheckItem } from "./api/client";

export type Answer = { passed?: boolean; value?: string; comment?: string };
export type Verdict = "pass" | "fail" | "incomplete";

/** A measured value outside the item's bounds (false while nothing usable is typed). */
export function outOfRange(item: CheckItem, value: string | undefined): boolean {
  if (item.kind !== "MEASURE" || value === undefined || value.trim() === "") return false;
  const measured = Number(value.replace(",", "."));
  if (Number.isNaN(measured)) return true;
  return (
    (item.min !== null && measured < Number(item.min)) || (item.max !== null && measured > Number(item.max))
  );
}

function measured(value: string | undefined): number | null {
  if (value === undefined || value.trim() === "") return null;
  const number = Number(value.replace(",", "."));
  return Number.isNaN(number) ? null : number;
}

function answered(item: CheckItem, answer: Answer | undefined): boolean {
  if (item.kind === "PASS_FAIL") return answer?.passed !== undefined;
  return measured(answer?.value) !== null;
}

function failed(item: CheckItem, answer: Answer | undefined): boolean {
  return item.kind === "PASS_FAIL" ? answer?.passed === false : outOfRange(item, answer?.value);
}

/** Incomplete while a required item has no usable answer (the API refuses such an inspection);
 * then fails when a required item failed or is out of range; passes otherwise. */
export function verdict(items: readonly CheckItem[], answers: Record<string, Answer>): Verdict {
  const required = items.filter((item) => item.required);
  if (required.some((item) => !answered(item, answers[item.id]))) return "incomplete";
  if (required.some((item) => failed(item, answers[item.id]))) return "fail";
  return "pass";
}

/** The inspection as the API takes it. */
export function results(items: readonly CheckItem[], answers: Record<string, Answer>) {
  return items
    .filter((item) => answered(item, answers[item.id]))
    .map((item) => {
      const answer = answers[item.id] ?? {};
      return {
        item_id: item.id,
        passed: item.kind === "PASS_FAIL" ? (answer.passed ?? null) : null,
        value: item.kind === "MEASURE" ? measured(answer.value) : null,
        comment: answer.comment?.trim() || null,
      };
    });
}
