// Builds the front-end assets into build/static (git-ignored; Django's STATICFILES_DIRS).
//
//   build/static/ucp/ucp.css            compiled from frontend/ucp.scss (compressed)
//   build/static/ucp/ucp.js             frontend/ucp.js (progressive enhancements)
//   build/static/govuk/govuk-frontend.min.js (+ .map)
//   build/static/govuk/assets/          GOV.UK Frontend images and manifest (no fonts:
//                                       the council does not use GDS Transport)
//
// Needs only the packages in package-lock.json; works offline after `npm ci`.
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const govukDist = path.join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = path.join(root, "build", "static");

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, "ucp"), { recursive: true });
await mkdir(path.join(out, "govuk"), { recursive: true });

const result = sass.compile(path.join(root, "frontend", "ucp.scss"), {
  style: "compressed",
  loadPaths: [path.join(root, "node_modules")],
  // Don't drown the build log in deprecation notices from inside govuk-frontend.
  quietDeps: true,
});
if (result.css.includes("GDS Transport")) {
  throw new Error("ucp.css mentions GDS Transport: the council may not use that font");
}
await writeFile(path.join(out, "ucp", "ucp.css"), result.css + "\n");
// The council's own progressive enhancements: one module file, no inline script.
await cp(path.join(root, "frontend", "ucp.js"), path.join(out, "ucp", "ucp.js"));

for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  await cp(path.join(govukDist, file), path.join(out, "govuk", file));
}
await cp(path.join(govukDist, "assets"), path.join(out, "govuk", "assets"), {
  recursive: true,
  filter: (src) => path.basename(src) !== "fonts",
});

console.log(`Built ${path.relative(root, out)}/ (ucp/ucp.css, ucp/ucp.js, govuk/govuk-frontend.min.js, govuk/assets/)`);
