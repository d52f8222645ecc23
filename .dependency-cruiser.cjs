/**
 * Dependency rules for the layout in docs/architecture.md: data flows one way,
 *   src/schema ← src/core ← commands (+ today's src/command, src/replies, src/render: the command kit)
 *     ← transports (src/discord, src/cli) and services (src/digest, src/alerts, src/feeds, src/review, src/ops),
 *     wired by src/app.ts alone;
 * I/O at the edges (src/data, src/storage, src/import); tests/ and bench/ share testkit/ only.
 * `npm run lint:deps` checks them; every rule is an error.
 */
const KIT = '^(commands/kit|src/command|src/replies|src/render)/';
const SERVICES = 'digest|alerts|feeds|review|ops|cluster';
const TRANSPORTS_AND_SERVICES = `^src/(discord|cli|${SERVICES})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles between files: each one is a knot a reader must untie at once.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'schema-imports-only-schema',
      severity: 'error',
      comment: 'src/schema is the bottom layer: the zod records and nothing else of ours.',
      from: { path: '^src/schema/' },
      to: { path: '^(src|commands|testkit|tests|bench)/', pathNot: '^src/schema/' },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'src/core (queries, composition, indexes) imports only src/schema and itself: no command, transport, service or I/O layer.',
      from: { path: '^src/core/' },
      to: { path: '^(src|commands|testkit|tests|bench)/', pathNot: '^src/(core|schema)/' },
    },
    {
      name: 'core-does-no-io',
      severity: 'error',
      comment: 'Reading, validating, snapshotting and watching the data files belong in src/data; storage in src/storage.',
      from: { path: '^src/core/' },
      to: {
        dependencyTypes: ['core', 'npm'],
        path: '^(fs|node:fs|fs/promises|node:fs/promises|child_process|node:child_process|net|node:net|http|node:http|https|node:https|worker_threads|node:worker_threads)$|better-sqlite3|discord\\.js|chokidar',
      },
    },
    {
      name: 'kit-below-commands',
      severity: 'error',
      comment: 'The command kit (option specs, page buttons, selection, response builders) serves the commands; it does not know them.',
      from: { path: KIT },
      to: { path: '^commands/', pathNot: '^commands/kit/' },
    },
    {
      name: 'no-folder-cycle-replies-command',
      severity: 'error',
      comment: 'src/command imports src/replies (payloads, limits); the way back would make the two folders one knot (both become commands/kit).',
      from: { path: '^src/replies/' },
      to: { path: '^src/command/' },
    },
    {
      name: 'commands-below-transports-and-services',
      severity: 'error',
      comment:
        'Commands and their kit know neither their transport (Discord, console) nor the services (digest) that use them; services reach them through the context.',
      from: { path: `^commands/|${KIT}` },
      to: { path: `${TRANSPORTS_AND_SERVICES}|^src/(storage|app\\.ts|main\\.ts)` },
    },
    {
      name: 'discord-knows-no-commands-or-services',
      severity: 'error',
      comment: 'The Discord runtime is given its commands and plugins (the digest, alerts) by src/app.ts; it knows only the contract (commands/kit).',
      from: { path: '^src/discord/', pathNot: '^src/discord/shard-process\\.ts$' },
      to: { path: `^(commands/|src/(${SERVICES}|cli)/|src/(app|main)\\.ts)`, pathNot: '^commands/kit/' },
    },
    {
      name: 'cli-knows-no-commands-or-services',
      severity: 'error',
      comment:
        'The console and `ask` are given their commands and context by src/app.ts (other CLIs use services, not commands or Discord); they know only the contract (commands/kit).',
      from: { path: '^src/cli/' },
      to: { path: '^(commands/|src/discord/|src/(app|main)\\.ts)', pathNot: '^commands/kit/' },
    },
    {
      name: 'services-know-no-console-or-app',
      severity: 'error',
      comment: 'Services (digest, alerts, feeds, review, ops) plug into a transport; they are wired by src/app.ts.',
      from: { path: `^src/(${SERVICES})/` },
      to: { path: '^src/(cli/|app\\.ts|main\\.ts)' },
    },
    {
      name: 'io-edges-know-no-upper-layers',
      severity: 'error',
      comment: 'Storage, data loading and the GED import sit at the edges: no commands, transports or services.',
      from: { path: '^src/(data|storage|import)/' },
      to: { path: `^commands/|${KIT}|${TRANSPORTS_AND_SERVICES}|^src/(app|main)\\.ts` },
    },
    {
      name: 'only-entry-points-import-the-app',
      severity: 'error',
      comment: 'src/app.ts is the one wiring file; only the entry scripts call it.',
      from: { pathNot: '^src/(main\\.ts|discord/shard-process\\.ts)$|^tests/' },
      to: { path: '^src/app\\.ts$' },
    },
    {
      name: 'app-code-knows-no-tests',
      severity: 'error',
      comment: 'Nothing the app runs imports test support, tests or benchmarks.',
      from: { path: '^(src|commands)/' },
      to: { path: '^(testkit|tests|bench)/' },
    },
    {
      name: 'testkit-is-shared-not-a-user',
      severity: 'error',
      comment: 'testkit/ serves tests/ and bench/; it imports neither.',
      from: { path: '^testkit/' },
      to: { path: '^(tests|bench)/' },
    },
    {
      name: 'tests-and-bench-share-only-testkit',
      severity: 'error',
      comment: 'tests/ and bench/ never import each other; what both need lives in testkit/.',
      from: { path: '^tests/' },
      to: { path: '^bench/' },
    },
    {
      name: 'bench-imports-no-tests',
      severity: 'error',
      comment: 'tests/ and bench/ never import each other; what both need lives in testkit/.',
      from: { path: '^bench/' },
      to: { path: '^tests/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (geojson and topojson-specification are types only, from @types/*).',
      from: {},
      to: { couldNotResolve: true, pathNot: '^(geojson|topojson-specification)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|data|docs|var|out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
