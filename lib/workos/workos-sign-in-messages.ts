/** What the login page says when a sign-in through WorkOS did not work (`/login?workos=<reason>`). */
export const WORKOS_SIGN_IN_MESSAGES = {
  expired: "That sign-in attempt expired or did not start here. Try again.",
  rejected: "WorkOS did not accept the sign-in. Try again.",
  // The same words whether no account has the email or one has it but may not be linked automatically: the page does
  // not tell a stranger which addresses have accounts.
  no_account: "There is no Portcullis account linked to your WorkOS identity. Ask an administrator to add you, or to link your account.",
  disabled: "Your Portcullis account is disabled.",
  unavailable: "WorkOS cannot be reached right now. Try again shortly, or sign in with your password.",
  cancelled: "The sign-in with WorkOS was cancelled.",
} as const;

export type WorkosSignInFailure = keyof typeof WORKOS_SIGN_IN_MESSAGES;

export function workosSignInMessage(reason: string): string {
  return (WORKOS_SIGN_IN_MESSAGES as Record<string, string>)[reason] ?? WORKOS_SIGN_IN_MESSAGES.rejected;
}
