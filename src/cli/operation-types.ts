// What the CLI can ask of a Trove, local or remote (operations.ts runs them on this
// machine's database, remote.ts over the operator API). Types only, so the HTTP side also
// type-checks for workerd without pulling in the Node runtime.
import type { LogVerdict } from '../features/audit/verify-log.ts';
import type { addAuditor, listAuditors, newEnrolLink } from '../features/auditors/accounts.ts';
import type { ExportFormat } from '../features/auditors/audit-export.ts';
import type { EventFilter } from '../features/auditors/event-filter.ts';
import type { brandDetails } from '../features/brands/brand-details.ts';
import type { listBrands, registerBrand } from '../features/brands/register-brand.ts';
import type { rotateSigningKey } from '../features/keys/rotate-signing.ts';
import type { seedDemoBrand } from '../features/operators/demo-brand.ts';
import type { createOperatorToken, listOperatorTokens } from '../features/operators/tokens.ts';

type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

export type Operations = {
  /** The origin of the Trove acted on. */
  origin: string;
  /** The input as `trove brand add` builds it; checked by the feature (here, or on the remote). */
  registerBrand(input: unknown): Promise<Result<typeof registerBrand>>;
  listBrands(): Promise<Result<typeof listBrands>>;
  showBrand(id: string): Promise<Result<typeof brandDetails>>;
  disableBrand(id: string): Promise<void>;
  addAuditor(input: { name: string; brands?: string[] }): Promise<Result<typeof addAuditor>>;
  listAuditors(): Promise<Result<typeof listAuditors>>;
  revokeAuditor(id: string): Promise<void>;
  enrolLink(id: string): Promise<Result<typeof newEnrolLink>>;
  rotateSigningKey(): Promise<Result<typeof rotateSigningKey>>;
  exportAudit(format: ExportFormat, filter: EventFilter): Promise<AsyncIterable<string>>;
  verifyAudit(): Promise<LogVerdict>;
  createOperatorToken(input: { name?: string }): Promise<Result<typeof createOperatorToken>>;
  listOperatorTokens(): Promise<Result<typeof listOperatorTokens>>;
  revokeOperatorToken(id: string): Promise<void>;
  seedDemo(input: Parameters<typeof seedDemoBrand>[1]): Promise<Result<typeof seedDemoBrand>>;
};
