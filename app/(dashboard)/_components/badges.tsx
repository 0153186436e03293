const tone = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  blue: "bg-brand-50 text-brand-700 ring-brand-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/25",
  red: "bg-red-50 text-red-800 ring-red-600/20",
  slate: "bg-slate-100 text-slate-700 ring-slate-500/20",
} as const;

export type Tone = keyof typeof tone;

export function Badge({ children, color = "slate", title }: { children: React.ReactNode; color?: Tone; title?: string }) {
  return (
    <span title={title} className={`inline-flex items-center whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tone[color]}`}>
      {children}
    </span>
  );
}

const INVOICE_TONES: Record<string, Tone> = { PAID: "green", AUTHORISED: "blue", SUBMITTED: "amber", DRAFT: "slate", VOIDED: "red", DELETED: "red" };
const INVOICE_LABELS: Record<string, string> = { PAID: "Paid", AUTHORISED: "Awaiting payment", SUBMITTED: "Awaiting approval", DRAFT: "Draft", VOIDED: "Voided", DELETED: "Deleted" };

export function InvoiceStatusBadge({ status, overdue }: { status: string; overdue?: boolean }) {
  if (overdue) return <Badge color="amber">Overdue</Badge>;
  return <Badge color={INVOICE_TONES[status] ?? "slate"}>{INVOICE_LABELS[status] ?? status}</Badge>;
}

export function invoiceStatusLabel(status: string): string {
  return INVOICE_LABELS[status] ?? status;
}

export function ContactStatusBadge({ status }: { status: string }) {
  if (status === "ACTIVE") return <Badge color="green">Active</Badge>;
  if (status === "ARCHIVED") return <Badge color="slate">Archived</Badge>;
  if (status === "GDPRREQUEST") return <Badge color="amber">GDPR request</Badge>;
  return <Badge>{status}</Badge>;
}

const OUTCOME: Record<string, [Tone, string]> = {
  success: ["green", "Succeeded"],
  error: ["red", "Failed"],
  rate_limited: ["amber", "Rate limited"],
  cancelled: ["slate", "Cancelled"],
  running: ["blue", "Running"],
  interrupted: ["amber", "Interrupted"],
  // A webhook delivery this app refused (bad signature, too large): it protected itself, nothing broke.
  refused: ["amber", "Refused"],
};

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const [color, label] = OUTCOME[outcome] ?? ["slate", outcome];
  return <Badge color={color}>{label}</Badge>;
}
