// Which agreements a brand accepts (declared at registration), as the consent screen, the
// public brand directory and PAR read them. A request may name only an agreement that is
// in the roster and that its brand accepts.
import type { BrandRow } from '../../db/schema.ts';
import { termById, type Term } from './roster.ts';

export function acceptedTerms(brand: Pick<BrandRow, 'accepted_terms'>): string[] {
  return brand.accepted_terms ? (JSON.parse(brand.accepted_terms) as string[]) : [];
}

/** Why a request may not name this agreement, or null when it may (or names none). */
export function agreementOffered(roster: readonly Term[], brand: Pick<BrandRow, 'accepted_terms'>, agreement: string | undefined): string | null {
  if (agreement === undefined) return null;
  if (!termById(roster, agreement)) return `"${agreement}" is not an agreement in the roster (GET /v1/terms)`;
  if (!acceptedTerms(brand).includes(agreement)) return `this client has not declared that it accepts "${agreement}"`;
  return null;
}

/** An agreement as people read it. */
export const termView = (t: Term) => ({ id: t.id, title: t.title, summary: t.summary, source: t.source });
