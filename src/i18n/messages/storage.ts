// Text for the storage area; merged into the one catalogue in ../messages.ts.
export const storageMessages = {
} as const;
