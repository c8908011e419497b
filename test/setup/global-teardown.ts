export default async function globalTeardown(): Promise<void> {
  await globalThis.__MERIDIAN_TEST_STOP__?.();
}
