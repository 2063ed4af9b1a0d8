// How every offline command ends: its exit code, or a crash printed with its stack.
export function runCli(main: () => Promise<number>, crashCode = 1): void {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(crashCode);
    },
  );
}
