import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import en from "./en.json";
import ru from "./ru.json";

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  );
}

/** A plural key (`x_one`, `x_other`, ...) is used as `x`. */
function used(all: string[]): Set<string> {
  return new Set(all.map((key) => key.replace(/_(zero|one|two|few|many|other)$/, "")));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.includes(".test.") ? [path] : [];
  });
}

describe("translations", () => {
  const english = used(keys(en as Tree));
  const russian = used(keys(ru as Tree));

  it("has every key in both languages", () => {
    expect([...english].filter((key) => !russian.has(key))).toEqual([]);
    expect([...russian].filter((key) => !english.has(key))).toEqual([]);
  });

  it("has every key the screens ask for", () => {
    const asked = new Set<string>();
    for (const file of sources(join(__dirname, ".."))) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/\bt\("([a-zA-Z]+\.[a-zA-Z.]+)"/g)) asked.add(match[1]!);
      for (const match of text.matchAll(/label: "([a-z]+\.[a-zA-Z]+)"/g)) asked.add(match[1]!);
    }
    expect(asked.size).toBeGreaterThan(100);
    expect([...asked].filter((key) => !english.has(key))).toEqual([]);
  });

  it("names every stage, priority, status and role the API has", () => {
    const enums = {
      stage: ["design", "procurement", "assembly", "soldering", "testing", "qc", "shipping"],
      priority: ["URGENT", "HIGH", "NORMAL", "LOW"],
      status: ["pending", "in_production", "quality_control", "completed", "cancelled"],
      role: ["admin", "planner", "floor_worker", "inspector", "buyer", "storekeeper", "viewer"],
      poStatus: ["draft", "sent", "confirmed", "partially_received", "received", "cancelled"],
    };
    for (const [group, values] of Object.entries(enums)) {
      for (const value of values) {
        expect(english.has(`${group}.${value}`), `${group}.${value}`).toBe(true);
        expect(russian.has(`${group}.${value}`), `${group}.${value}`).toBe(true);
      }
    }
  });
});
