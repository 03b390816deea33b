import { loadConfig } from "./src/config.ts";
for (const v of ["yes","no","on","off","1","0","enabled","y"]) { try { console.log(v, loadConfig({ SIYU_DEMO: v }, "/tmp").demo); } catch (e) { console.log(v, String(e)); } }
import { writeFileSync } from "node:fs";
writeFileSync("/tmp/siyu-cfg-test.json", JSON.stringify({ access: { sessionTtl: 5, passwordPasses: 3 }, port: 9000 }));
console.log(JSON.stringify(loadConfig({ SIYU_CONFIG: "/tmp/siyu-cfg-test.json", PORT: "9100" }, "/tmp")));
writeFileSync("/tmp/siyu-cfg-test.json", JSON.stringify({ prot: 1, access: { passwordMemoryKiB: 10 } }));
try { loadConfig({ SIYU_CONFIG: "/tmp/siyu-cfg-test.json", SIYU_SESSION_TTL_HOURS: "abc", SIYU_PUBLIC_URL: "nope", DATABASE_URL: "mysql://x" }, "/tmp"); } catch (e) { console.log(String(e)); }
