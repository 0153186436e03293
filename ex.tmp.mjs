import fs from "node:fs";
import yaml from "yaml";
const doc = yaml.parse(fs.readFileSync("/work/shared/xero-openapi/xero_accounting.yaml","utf8"));
const key = process.argv[2];
function walk(o, path) {
  if (!o || typeof o !== "object") return;
  for (const [k,v] of Object.entries(o)) {
    if (k === "example" || k === "value") {
      let val = v;
      if (typeof v === "string") { try { val = JSON.parse(v); } catch { } }
      if (val && typeof val === "object" && Array.isArray(val[key]) && path.includes("responses")) console.log(path.join("/"), JSON.stringify(val[key]));
    }
    walk(v, [...path, k]);
  }
}
walk(doc.paths, []);
