import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";

/** Where the user types the code their device shows. A GET form: the code lands in the page's address like the link the device offers. */
export function DeviceCodeEntry({ defaultValue }: { defaultValue?: string }) {
  return (
    <form method="get" action="/oauth/device" aria-label="Enter device code" className="space-y-4">
      <Field label="Code" hint="The 8 letters your device shows, like BCDF-GHJK.">
        <Input name="user_code" autoComplete="off" autoCapitalize="characters" spellCheck={false} required defaultValue={defaultValue} autoFocus />
      </Field>
      <Button type="submit" className="w-full">
        Continue
      </Button>
    </form>
  );
}
