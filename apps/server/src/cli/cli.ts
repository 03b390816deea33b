import { parseArgs } from "node:util";
import { createCoreServices, deleteWorkspaceFromWarehouse, DomainError, drainWarehouse, randomToken, systemClock, systemContext, type CoreServices } from "@siyu/core";
import type { Role } from "@siyu/contracts";
import { ROLES } from "@siyu/contracts";
import { StorageError, type Database, type Warehouse } from "@siyu/storage";
import { DEMO_WORKSPACE } from "@siyu/demo";
import { ConfigError, groupCommitOf, loadConfig, type SiyuConfig } from "../config";
import { openStores } from "../compose";
import { rebuildDemoWorkspace } from "../demo/rebuild-demo";
import { loadDemoEvents } from "../demo/load-demo-events";
import { defineDemoAcquisitionCosts } from "../demo/demo-acquisition-costs";
import { defineDemoJourneys } from "../demo/demo-journeys";
import { computeDemoSegmentation, defineDemoSegmentation } from "../demo/demo-segmentation";
import { seedDemoCoupons } from "../demo/demo-coupons";
import { seedDemoStoredValue } from "../demo/demo-stored-value";
import { seedDemoBroadcast } from "../demo/demo-messaging";
import { startSiyu } from "../start";
import { IMPORT_USAGE, runImportCommand } from "./import.command";
import { CLV_USAGE, runClvCommand } from "./clv.command";
import { MEMBER_TOKEN_USAGE, runMemberTokenCommand } from "./member-token.command";

const USAGE = `Usage: siyu <command> [options]

Commands:
  start                         Serve the API and the console (default)
  migrate                       Apply database and warehouse migrations, then exit
  demo [--seed N]               Rebuild the demo workspace from its seed
  create-operator --email E --name N [--password P] [--workspace ID|SLUG] [--role ROLE] [--stores CODE,…]
                                Create an operator (a random password is printed if none is given)
                                and optionally add them to a workspace (role default: admin;
                                --stores assigns a store manager's stores by store code)
${IMPORT_USAGE}
${CLV_USAGE}
${MEMBER_TOKEN_USAGE}

Configuration comes from environment variables and siyu.config.json (see README).`;

export async function runCli(argv: string[]): Promise<number> {
  const [command = "start", ...rest] = argv;
  if (command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return 0;
  }
  // Needs no configuration or store: it fits a CSV file.
  if (command === "clv") return runClvCommand(rest);
  let config: SiyuConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  try {
    switch (command) {
      case "start":
        return await start(config);
      case "migrate":
        return await migrate(config);
      case "demo":
        return await demo(config, rest);
      case "create-operator":
        return await createOperator(config, rest);
      case "import":
        return await runImportCommand(rest, (work) => withServices(config, work));
      case "member-token":
        return await runMemberTokenCommand(rest, (work) => withServices(config, work));
      default:
        console.error(`Unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof StorageError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

async function start(config: SiyuConfig): Promise<number> {
  const running = await startSiyu(config);
  const store = config.databaseUrl ? "PostgreSQL server" : `embedded store in ${config.dataDir}`;
  console.log(`\nSiyu is running at ${running.url} (${store}).`);
  if (running.initialOwner) {
    console.log(
      `\nFirst start: log in at ${running.url}/login\n` +
        `  email:    ${running.initialOwner.email}\n` +
        `  password: ${running.initialOwner.password}\n` +
        "This password is shown only now; change it from the account menu.\n",
    );
  }
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await running.close();
  return 0;
}

async function migrate(config: SiyuConfig): Promise<number> {
  const { database, warehouse } = await openStores(config);
  await warehouse.close();
  await database.close();
  console.log("Migrations applied.");
  return 0;
}

class CliError extends Error {}

async function withServices<T>(config: SiyuConfig, work: (services: CoreServices, stores: { warehouse: Warehouse; database: Database }) => Promise<T>) {
  const { database, warehouse } = await openStores(config);
  try {
    return await work(createCoreServices({ db: database.db, warehouse, clock: systemClock, settings: { access: config.access, ingest: config.ingest, groupCommit: groupCommitOf(config, database) } }), { warehouse, database });
  } finally {
    await warehouse.close();
    await database.close();
  }
}

async function demo(config: SiyuConfig, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { seed: { type: "string" } } });
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) {
    console.error("--seed must be an integer");
    return 2;
  }
  await withServices(config, async (services, { warehouse, database }) => {
    const old = await services.workspaces.findBySlug(DEMO_WORKSPACE.slug);
    if (old) await deleteWorkspaceFromWarehouse(warehouse, old.id);
    const result = await rebuildDemoWorkspace(services, { seed, memberCount: config.demoMembers });
    await defineDemoSegmentation(services, result.workspace.id);
    await seedDemoBroadcast(services, systemContext(result.workspace.id), result.workspace.timezone, new Date());
    await defineDemoJourneys(services, result.workspace.id);
    await defineDemoAcquisitionCosts(services, result.workspace.id, result.brand, new Date());
    console.log(`Demo workspace rebuilt: ${result.workspace.name} (${result.workspace.id}); ${result.restoredMembers} member(s) kept.`);
    const loaded = await loadDemoEvents(services, result.workspace.id, result.brand, {
      now: new Date(),
      onBatch: (p) => process.stderr.write(`\rLoading demo behaviour: ${p.sent} events`),
    });
    process.stderr.write("\n");
    let projected = 0;
    for (let n = await services.projectNextBatch(); n > 0; n = await services.projectNextBatch()) projected += n;
    // The points orders and activities earn: the coupon exchanges below spend them.
    while ((await services.loyaltyNextBatch()) > 0);
    while ((await services.loyaltyActivitiesNextBatch()) > 0);
    const queryable = await drainWarehouse({ db: database.db, warehouse });
    console.log(`Loaded ${loaded.accepted} demo events; ${projected} projected into customer profiles; ${queryable} loaded into the warehouse.`);
    for (const run of await computeDemoSegmentation(services, result.workspace.id, result.brand)) {
      console.log(run.ok ? `  ${run.step}: done` : `  ${run.step}: skipped (${run.error})`);
    }
    const value = await seedDemoStoredValue(services, result.workspace.id, result.brand);
    console.log(`Stored value and cards: ${value.topUps} top-ups, ${value.cards} cards.`);
    const coupons = await seedDemoCoupons(services, result.workspace.id, result.brand);
    console.log(`Coupons: ${coupons.issued} come-back coupons to the dormant segment, ${coupons.exchanged} vouchers exchanged for points.`);
  });
  return 0;
}

async function createOperator(config: SiyuConfig, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: "string" },
      name: { type: "string" },
      password: { type: "string" },
      workspace: { type: "string" },
      role: { type: "string", default: "admin" },
      stores: { type: "string" },
    },
  });
  const problems: string[] = [];
  if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) problems.push("--email: an email address is required");
  if (!values.name) problems.push("--name: required");
  if (values.password !== undefined && values.password.length < 10) problems.push("--password: at least 10 characters");
  if (!ROLES.includes(values.role as Role)) problems.push(`--role: one of ${ROLES.join(", ")}`);
  if (problems.length) {
    console.error(problems.join("\n"));
    return 2;
  }
  if (values.stores && values.role !== "store_manager") {
    console.error("--stores: only a store_manager is limited to stores");
    return 2;
  }
  const password = values.password ?? randomToken(16);
  const codes = (values.stores ?? "").split(",").map((c) => c.trim()).filter(Boolean);
  try {
    // One transaction: a bad workspace or store code leaves no half-made operator behind.
    await withServices(config, (root) =>
      root.transaction(async (services) => {
        const workspace = values.workspace
          ? ((await services.workspaces.findBySlug(values.workspace)) ?? (await services.workspaces.get(values.workspace)))
          : null;
        const ctx = workspace
          ? { workspaceId: workspace.id, actor: { type: "system" as const, id: null, name: "cli" }, storeIds: null, ip: null }
          : null;
        const storeIds: string[] = [];
        for (const code of codes) {
          const store = ctx ? await services.stores.findByCode(ctx, code) : null;
          if (!store) throw new CliError(`--stores: no store with code ${code}${workspace ? ` in ${workspace.name}` : " (give --workspace)"}`);
          storeIds.push(store.id);
        }
        const operator = await services.access.createOperator({ email: values.email!, name: values.name!, password });
        if (workspace && ctx) {
          await services.access.addMembership(ctx, { operatorId: operator.id, email: operator.email, role: values.role as Role, storeIds });
          console.log(`Added to workspace ${workspace.name} as ${values.role}.`);
        }
        console.log(`Operator ${operator.email} created.`);
        if (!values.password) console.log(`Password (shown once): ${password}`);
      }),
    );
  } catch (error) {
    if (error instanceof CliError || error instanceof DomainError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  return 0;
}
