import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end tests start a local Discord-compatible server and the real client; give them room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
