// Variables the in-process SDK reads from process.env (credentials, region, endpoint), set for a test and
// put back as they were afterwards, whether they existed before or not.
export function setProcessEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
