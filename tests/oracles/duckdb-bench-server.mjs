// Long-lived DuckDB peer for the side-by-side Parquet benchmark (bench/Parquet). It builds the
// same synthetic rollouts as bench/Parquet/SyntheticRollouts.cs in an in-memory table, then answers
// one command per stdin line so the benchmark times only COPY / read, not node's start-up:
//   setup <rows> <completionTokens> <promptTokens>   -> {"ms":..}
//   copy <path> <codec>                               -> {"ms":..,"bytes":..}
//   read <path>                                       -> {"ms":..,"tokens":..}
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';

const instance = await DuckDBInstance.create(':memory:');
const c = await instance.connect();
const quote = s => "'" + s.replaceAll("'", "''") + "'";

async function handle(parts) {
  const t0 = performance.now();
  switch (parts[0]) {
    case 'setup': {
      const [rows, comp, prompt] = parts.slice(1).map(Number);
      // Keep these formulas identical to SyntheticRollouts.cs.
      await c.run(`create or replace table rollouts as select
        'bench-run' as run_id,
        (i // 1000)::bigint as step,
        (i // 1000)::bigint as policy_version,
        'prompt-' || (i // 8) as prompt_id,
        (i // 8)::bigint as group_id,
        (i % 8)::int as sample_index,
        'gsm8k' as task,
        case when i % 10 = 0 then 'hinted' else 'on_policy' end as provenance,
        'Question ' || (i // 8) || ': how many apples are left?' as generation_context,
        'Question ' || (i // 8) || ': how many apples are left?' as training_context,
        list_transform(range(${prompt}), x -> (((i // 8) * 7919 + x * 104729) % 50000)::int) as prompt_token_ids,
        list_transform(range(${comp}), x -> ((i * 7919 + x * 104729) % 50000)::int) as completion_token_ids,
        list_transform(range(${comp}), x -> (-(((i * 31 + x * 17) % 1000)::float) / 200.0::float)) as behaviour_logprobs,
        'The answer is ' || (i % 97) || '. Step by step: we take ' || i || ' and subtract.' as completion_text,
        case when i % 13 = 0 then 'length' else 'stop' end as finish_reason,
        (i % 13 = 0) as truncated,
        ['correctness', 'format'] as reward_names,
        [(i % 2)::double, 0.1] as reward_values,
        ((i % 2) + 0.1)::double as reward_total,
        (((i % 2) - 0.5)::float) as advantage,
        null::float[] as token_advantages,
        'kept' as filter_decision,
        null::varchar as filter_reason,
        case when i % 10 = 0 then 1 else null end::int as hint_tier,
        (i % 1000)::double as generation_ms,
        (i % 10)::double as verify_ms,
        make_timestamptz(1795000000000000 + i * 1000) as created_at
      from range(0, ${rows}) t(i)`);
      return { ms: performance.now() - t0 };
    }
    case 'copy': {
      await c.run(`copy rollouts to ${quote(parts[1])} (FORMAT parquet, COMPRESSION ${parts[2]})`);
      return { ms: performance.now() - t0, bytes: statSync(parts[1]).size };
    }
    case 'read': {
      const r = await c.runAndReadAll(`select sum(len(completion_token_ids))::bigint as n, sum(list_sum(completion_token_ids))::bigint as s, sum(list_sum(behaviour_logprobs))::double as lp from read_parquet(${quote(parts[1])})`);
      const row = r.getRowObjectsJson()[0];
      return { ms: performance.now() - t0, tokens: row.n };
    }
    default:
      throw new Error('unknown command ' + parts[0]);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const parts = line.trim().split(' ');
  if (parts[0] === 'quit') break;
  try {
    process.stdout.write(JSON.stringify(await handle(parts)) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e) }) + '\n');
  }
}
process.exit(0);
