/** Usage text of `dmafuzz` and of each command. */
import { delimiter } from "node:path";
import { SUITE_NAMES } from "../../bench/suites/registry.js";
import { triageUsage } from "./triage.js";

/** Usage of each command, by command name. */
export const commandUsage: Readonly<Record<string, string>> = {
  triage: triageUsage,
  replay: `Usage: dmafuzz replay --model <model> [--variant <variant>] [--policy FILE]... [--seed <n>]
                     [--json] FILE...

Replays JSONL traces on a model. A trace whose lines carry "expect" fields is checked: prints
"FILE: ok (N ops)" or the first mismatch. A trace without them is recorded: prints the trace with
"expect" (and any other expectation fields) filled in, ready to use as a golden file.

Options:
  --model <model>      model family (see 'dmafuzz list')
  --variant <variant>  model variant (default: the first --policy's for the model, else the
                       model's default variant)
  --policy FILE        a policy module (.js/.mjs; repeatable): adds its variant (see README,
                       "Try your own policy")
  --seed <n>           seed of the model's RNG (default 1)
  --json               print one JSON object instead of text
  -h, --help           show this help

Exit status: 0 all checked traces match, 1 a mismatch, 2 bad input (a policy hook that throws or
returns an invalid value included).`,
  list: `Usage: dmafuzz list [--canaries] [--json] [--policy FILE]...

Lists every model with its summary, and every variant with its kernel reference. With
--canaries, lists the known bugs the fuzzers recognise, with the variants where each must fire
and those where it must never fire.

Options:
  --canaries  list the canaries instead of the models
  --json      print one JSON object instead of text
  --policy FILE  a policy module (repeatable): listed under its model with its base variant
  -h, --help  show this help`,
  main: `Usage: dmafuzz main [--golden <dir>] [--out <dir>] [--fuzz-s S] [--workers N] [--no-fuzz]
                    [--no-bench]

The main job behind 'npm start': replays the golden traces from the real kernel on the models
(summary.json, summary.md), runs a short fuzz campaign on every model's target on the variant
its first canary names as buggy (fuzz/<model>/, resumed on later runs), runs the quick form of
every benchmark suite (bench/), and writes index.html linking them.

Options:
  --golden <dir>  a further golden trace directory (repeatable). Always replayed: the
                  package's golden/, ../shared/golden beside the package when it exists, and
                  every directory of $DMAFUZZ_GOLDEN (separated by '${delimiter}'). Each file
                  replays on the variant its folder and suffix name; a file whose name an
                  earlier directory has is replayed once
  --out <dir>     report directory (default: reports/latest in the package)
  --fuzz-s S      seconds of fuzzing per target (default 20)
  --workers N     worker threads for fuzzing and benchmarks (default: one per core)
  --no-fuzz       skip the fuzz campaigns
  --no-bench      skip the benchmarks
  -h, --help      show this help

Exit status: 0 all golden traces match, 1 a mismatch, 2 bad input (also: no golden file found).`,
  bench: `Usage: dmafuzz bench --suite <name|all> [--trials N] [--quick] [--workers N] [--out DIR]
                     [--resume] [--baseline results.json] [--sweep AXIS=FROM..TO:STEPS]
                     [--no-sweep] [--scenarios] [--policy FILE]... [--shard I/N]

Runs benchmark suites: every (variant, workload, seed) job of the suite's matrix on a pool of
worker threads. Each finished job is appended to DIR/results.jsonl at once; when all are done,
writes DIR/results.json (raw per-trial metrics and the environment), DIR/report.md (medians
with bootstrap 95% CIs, verdicts against the suite's baseline variant), DIR/results.csv and a
self-contained DIR/index.html with charts, and DIR/report.txt (80-column ASCII). The headline
workloads are sampled machines and histories; each suite's sweep axes then run every variant at
each point (fewer points with --quick), and the reports draw each metric against the axis with a
95% band and name where a rate starts to rise or fall. Suites: ${SUITE_NAMES.join(", ")}.

Options:
  --suite <name|all>      the suite to run, or all of them
  --trials N              trials (seeds) per cell (default 10)
  --quick                 fewer ops per job (10 trials unless --trials says otherwise)
  --workers N             worker threads (default: one per core)
  --out DIR               output directory (default: reports/latest/bench in the package)
  --resume                keep the jobs DIR/results.jsonl already holds and run the rest
                          (without it, an existing results.jsonl is moved to DIR/previous/)
  --baseline FILE         an earlier results.json: adds a regression section
  --sweep AXIS=FROM..TO:STEPS
                          run the axis AXIS (e.g. pressure=0..1:11) at STEPS evenly spaced
                          points instead of its default ones, in every chosen suite that has it
  --no-sweep              run the headline workloads only
  --scenarios             also run the suites' scripted scenarios (reproduction and tests)
  --policy FILE           a policy module (.js/.mjs; repeatable), loaded in every worker: its
                          rows run beside the built-in variants of the suites of its model and
                          are compared with the baseline; a hook fault fails its cell
  -h, --help              show this help

Exit status: 0 done, 2 bad input, 130 interrupted (finished jobs are kept: rerun with --resume).`,
  fuzz: `Usage: dmafuzz fuzz --target <model> [--variant v] [--workers N] [--max-time S] [--runs N]
                    [--seed N] [--out DIR] [--resume] [--feedback full|code|state|none]
                    [--timeout S] [--max-len BYTES] [--policy FILE]...
                    [--sync-dir DIR [--sync-id NAME] [--sync-interval S]]

Runs a coverage-guided fuzz campaign on worker threads that share new corpus entries. Each
worker saves what it finds at once: new inputs to DIR/corpus/ (one file per input, named by its
SHA-1) and findings to DIR/findings/<signature>/ (input.bin, trace.jsonl, minimized.jsonl,
finding.json). Prints libFuzzer-style status lines ("#N NEW cov: .. ft: .. corp: .. exec/s: ..
rss: ..Mb") and a FINDING line per new signature; writes DIR/stats.json and appends DIR/stats.csv.
A worker that dies or one execution that runs past --timeout is saved as a crash or timeout
finding, its trace taken by running the input again in a tracer thread (ending with the op that
hung or crashed), and the worker is replaced. Targets: the models' (see 'dmafuzz list') and toy.

Options:
  --target <model>  the fuzz target (fuzz/targets/<model>.fuzz.ts, or toy)
  --variant v       model variant (default: the first --policy's for the target, else the
                    target's default variant)
  --policy FILE     a policy module (.js/.mjs; repeatable), loaded in every worker: its
                    variant can be fuzzed; a hook that throws, returns garbage or runs past
                    --timeout is a policy-error finding
  --workers N       worker threads (default: one per core); worker i uses seed + i
  --max-time S      stop after S seconds
  --runs N          stop after N executions in all (this session)
  --seed N          seed of the first worker (default 1)
  --out DIR         campaign directory (default: fuzz-out/<model>)
  --resume          continue the campaign in DIR: its corpus seeds every worker, its saved
                    findings are not reported again, its statistics add up
  --feedback MODE   what keeps an input: full (code and model state, default), code, state,
                    none (blind generation)
  --timeout S       one execution running longer is a timeout finding (default 10)
  --max-len BYTES   largest input generated (default 1024; as libFuzzer's -max_len)
  --sync-dir DIR    exchange corpus entries and findings with the campaigns on other machines
                    that use DIR (a shared mount: NFS, an object-store mount; no locks): this
                    one writes DIR/<id>/ and reads the others' folders, taking what they found
                    into its own --out, which stays resumable on its own
  --sync-id NAME    this campaign's folder in DIR (default: the one it used before, else
                    <hostname>-<name of --out>)
  --sync-interval S seconds between two syncs (default 30; one more when the campaign stops)
  -h, --help        show this help

Runs until --max-time, --runs, SIGINT or SIGTERM; each stops the workers after their current
execution and writes the statistics.

Exit status: 0 stopped with everything saved, 2 bad input.`,
  report: `Usage: dmafuzz report DIR [--text]

Re-renders DIR/report.md, DIR/results.csv, DIR/index.html and DIR/report.txt from
DIR/results.json (written by 'dmafuzz bench').

Options:
  --text      print the plain-text summary (ASCII, at most 80 columns: per suite the comparison
              tables, verdicts, sweeps and crossovers, for a mailing-list reply) instead
  -h, --help  show this help

Exit status: 0 done, 2 bad input.`,
  ttb: `Usage: dmafuzz ttb [--set canaries|deep] [--trials N] [--budget-s S] [--engines LIST]
                   [--canaries LIST] [--bugs LIST] [--workers N] [--seed N] [--no-fp]
                   [--fp-budget-s S] [--out DIR]

Time-to-bug benchmark of the fuzz engines: for each canary on its first buggy variant, N trials
per engine from an empty corpus until the canary fires or the budget runs out; then, with full
feedback, a false-positive watch on each variant where the canary must never fire. With --set
deep, the deep-bug set instead (fuzz/deep: bugs that need a long history, real ones and ones
planted in synthetic test-only variants), each on its own budget, with Kaplan-Meier survival
curves. Writes ttb.json, ttb.md and ttb.svg (and ttb-survival.svg for the deep set).

Options:
  --set NAME        canaries (default) or deep
  --trials N        trials per bug and engine (default 10)
  --budget-s S      time budget of one trial in seconds (default 60; for the deep set, each
                    bug's own budget unless given)
  --engines LIST    comma-separated: full, code, state, none (blind), fast-check, jsfuzz
                    (default full,code,none,fast-check; all six for the deep set)
  --canaries LIST   canary ids (default: all; see 'dmafuzz list --canaries')
  --bugs LIST       deep bug ids, with --set deep (default: all)
  --workers N       trials in parallel (default: one per core)
  --seed N          seed of the first trial (default 1)
  --no-fp           skip the false-positive watch
  --fp-budget-s S   time budget of each false-positive watch run (default: --budget-s)
  --out DIR         report directory (default: reports/latest/ttb)
  -h, --help        show this help

Exit status: 0 done, 1 a canary fired on a variant where it must not, 2 bad input.`,
};

/** Top-level usage: the command list. */
export const mainUsage = `Usage: dmafuzz <command> [options]

Fuzzing and benchmark suite for models of the Linux kernel DMA allocators.

Commands:
  replay   replay JSONL traces on a model: check them, or record results
  list     list models, variants and their kernel references
  main     the main job (npm start): golden replay, fuzz campaigns, quick benchmarks, report
  ttb      time-to-bug benchmark of the fuzz engines on the known bugs
  bench    run benchmark suites on worker threads and write a report
  fuzz     run a fuzz campaign on worker threads
  report   re-render a benchmark report from its results.json
  triage   explain allocator failures in a kernel log by replaying them on the models
  help     show this help, or 'dmafuzz help <command>'

Options:
  -h, --help     show this help
  -V, --version  show the version

Run 'dmafuzz <command> --help' for a command's options.`;
