// Text for the tables area; merged into the one catalogue in ../messages.ts.
export const tablesMessages = {
} as const;
