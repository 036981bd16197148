// Replaced by the moto_server setup: starts shared test services once per run.
export default function setup(): void {}
