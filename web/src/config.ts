/** Reads the console's configuration from its own origin once, at start. */
import { createContext, useContext } from 'react';
import { CONSOLE_CONFIG_PATH, type ConsoleConfig, parseConsoleConfig } from '#http/console-config';

export type { ConsoleConfig };

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch(CONSOLE_CONFIG_PATH, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The console's configuration could not be loaded (HTTP ${response.status}).`);
  return parseConsoleConfig(await response.json());
}

export const ConfigContext = createContext<ConsoleConfig | null>(null);

export function useConfig(): ConsoleConfig {
  const config = useContext(ConfigContext);
  if (!config) throw new Error('useConfig outside ConfigContext');
  return config;
}
