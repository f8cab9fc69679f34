// Which substituted values are secret, by meaning rather than origin: a value is redacted when its
// NAME looks secret (HF_TOKEN, DB_PASSWORD, OPENAI_API_KEY) or is listed in `dashboard.redact`;
// other values (a user name, a project id) print as written, so links built from them work.
const SECRET_WORDS = /TOKEN|SECRET|PASSWORD|PASS|KEY|CREDENTIAL|AUTH|PRIVATE|API/i;

export function isSecretName(name: string, extra: readonly string[] = []): boolean {
  return SECRET_WORDS.test(name) || extra.includes(name);
}
