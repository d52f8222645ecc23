/**
 * `npm run ask -- "/attacks syria" | head` closes the pipe early; that ends the reader's interest, not
 * in an error, so exit quietly instead of printing an EPIPE stack trace.
 */
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
