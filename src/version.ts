/** The package version, in one place (--version, SARIF). */
export const VERSION = '0.1.0';
