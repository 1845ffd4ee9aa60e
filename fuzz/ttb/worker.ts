/** Worker thread of the time-to-bug benchmark: runs the trials it is sent. */
import { serveJobs } from "../../src/parallel/pool.js";
import { runTrial, type TrialJob, type TrialResult } from "./trial.js";

serveJobs<TrialJob, TrialResult>(runTrial);
