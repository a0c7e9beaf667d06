// Runs one page's case and reports it: `window.__consumerResult` ({ ok, loss, ... } or { ok: false, error }) for
// the harness, and a console line for people.
export function report(run) {
  run().then(
    (result) => {
      window.__consumerResult = { ok: true, ...result };
      console.log(`RESULT ${JSON.stringify(result)}`);
    },
    (error) => {
      window.__consumerResult = { ok: false, error: String((error && error.stack) || error) };
      console.error(`FAILED ${window.__consumerResult.error}`);
    },
  );
}
