// Runs modelCustomers on a worker thread (see shared/run-in-worker.ts).
import { serveWorker } from "../shared/run-in-worker";
import { modelCustomers } from "./clv-model";

serveWorker(modelCustomers);
