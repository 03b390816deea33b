import { runCli } from "./cli/cli";

// Until the command finishes, an exit (say, the event loop running dry while a
// query waits forever) is a failure, never a silent success.
process.exitCode = 1;
let finished = false;
process.on("exit", () => {
  if (!finished) console.error("siyu stopped before the command finished.");
});

runCli(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    finished = true;
    console.error(error);
    process.exitCode = 1;
  },
);
