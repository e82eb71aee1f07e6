// `npm run contracts`: writes the contracts shared with the Python worker (server/contracts/) as
// JSON Schema into worker/distillery_worker/contracts/. Run it after changing a contract and
// commit the result; server/contracts/contracts.test.ts fails until then.
import fs from "node:fs";
import path from "node:path";
import { CONTRACTS_DIR, contractFiles } from "../server/contracts/json-schema";

const dir = path.resolve(import.meta.dirname, "..", CONTRACTS_DIR);
fs.mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(contractFiles())) {
  fs.writeFileSync(path.join(dir, name), text);
  console.log(path.join(CONTRACTS_DIR, name));
}
