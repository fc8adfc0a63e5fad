// The auditor's portal under /auditor: enrolment from the one-time link, passkey sign-in,
// and the event viewer. Loaded on demand; it shares the consumer portal's frame and styles.
import type { Location } from '../router.ts';
import { navigate } from '../router.ts';
import { auditorSession, signOut } from '../session.ts';
import { Loading } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';
import { Shell } from '../ui/shell.tsx';
import { AuditorSignIn, Enrol } from './enrol.tsx';
import { EventViewer } from './events.tsx';

export function AuditorApp(props: { loc: Location }) {
  const session = auditorSession.use();
  const { loc } = props;
  let content: preact.JSX.Element;
  if (loc.path.replace(/\/$/, '') === '/auditor/enrol') content = <Enrol code={loc.hash} />;
  else if (session.status === 'loading') content = <Loading />;
  else if (session.status === 'out') content = <AuditorSignIn />;
  else if (loc.path.replace(/\/$/, '') === '/auditor')
    content = <EventViewer key={loc.query.toString()} me={session.me} query={loc.query} />; // the form follows the address
  else
    content = (
      <Page title="Page not found">
        <p>
          <a href="/auditor">Go to the audit log</a>.
        </p>
      </Page>
    );
  return (
    <Shell
      home="/auditor"
      product="Trove audit"
      nav={[]}
      path={loc.path}
      wide
      footer="Trove’s audit log: append-only, hash-chained, with signed checkpoints you can verify offline."
      onSignOut={session.status === 'in' ? () => void signOut().then(() => navigate('/auditor')) : undefined}
    >
      {content}
    </Shell>
  );
}
