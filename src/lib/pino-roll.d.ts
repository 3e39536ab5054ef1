// Types for pino-roll (the package ships none): an async factory of a rolling SonicBoom stream.
declare module "pino-roll" {
  import type { DestinationStream } from "pino";

  export interface PinoRollOptions {
    file: string | (() => string);
    size?: string | number;
    frequency?: "daily" | "hourly" | number;
    extension?: string;
    symlink?: boolean;
    limit?: { count: number; removeOtherLogFiles?: boolean };
    dateFormat?: string;
    mkdir?: boolean;
    sync?: boolean;
  }

  export default function pinoRoll(
    options: PinoRollOptions,
  ): Promise<DestinationStream & { flushSync(): void; end(): void }>;
}
