// Text for the share area; merged into the one catalogue in ../messages.ts.
export const shareMessages = {
} as const;
