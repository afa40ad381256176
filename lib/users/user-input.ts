import { z } from "zod";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("enter a valid email address"));

export const passwordSchema = z
  .string()
  .min(12, "use at least 12 characters")
  .max(256, "use at most 256 characters");

export const displayNameSchema = z.string().trim().min(1, "enter a name").max(120, "use at most 120 characters");
