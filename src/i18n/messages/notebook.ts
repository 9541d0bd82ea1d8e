// Text for the notebook area; merged into the one catalogue in ../messages.ts.
export const notebookMessages = {
} as const;
