// Text for the crm area; merged into the one catalogue in ../messages.ts.
export const crmMessages = {
} as const;
