/** Whether ops record how they were computed. Off inside `noGrad()` and inside backward passes. */
let enabled = true;

export function gradEnabled(): boolean {
  return enabled;
}

export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
