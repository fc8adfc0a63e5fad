// The consumer's portal: routes to pages, with sign-in in front of every page that needs
// a session (the consent page keeps its place in the flow: signing in returns to it), and
// the prompt to keep a way back in in front of them while the account has a single one.
import { navigate, type Location } from './router.ts';
import { consumerSession, signOut } from './session.ts';
import { Loading } from './ui/bits.tsx';
import { Page } from './ui/page.tsx';
import { Shell, type NavItem } from './ui/shell.tsx';
import { Activity } from './pages/activity.tsx';
import { BackupPrompt } from './pages/backup-prompt.tsx';
import { Consent } from './pages/consent.tsx';
import { GrantDetail } from './pages/grant-detail.tsx';
import { Grants } from './pages/grants.tsx';
import { IntentOffers } from './pages/intent-offers.tsx';
import { Intents } from './pages/intents.tsx';
import { MyTermsPage } from './pages/my-terms.tsx';
import { Overview } from './pages/overview.tsx';
import { Profile } from './pages/profile.tsx';
import { Settings } from './pages/settings.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { ValuePage } from './pages/value.tsx';

const NAV: NavItem[] = [
  { href: '/', label: 'Overview' },
  { href: '/profile', label: 'Profile' },
  // Under /profile/ so the server already answers it with the portal (src/http/portal-paths.ts).
  { href: '/profile/terms', label: 'My terms' },
  { href: '/grants', label: 'Grants' },
  { href: '/activity', label: 'Activity' },
  { href: '/value', label: 'Value' },
  { href: '/intents', label: 'Intents' },
  { href: '/settings', label: 'Settings' },
];

function page(loc: Location) {
  const [, section, id] = loc.path.replace(/\/$/, '').split('/');
  switch (section ?? '') {
    case '':
      return <Overview />;
    case 'consent':
      return <Consent id={loc.query.get('request')} />;
    case 'profile':
      return id === 'terms' ? <MyTermsPage /> : <Profile />;
    case 'intents':
      // /intents/{id}/offers: the offers on one market intent.
      return id ? <IntentOffers id={id} /> : <Intents />;
    case 'grants':
      return id ? <GrantDetail id={id} /> : <Grants />;
    case 'activity':
      return <Activity brand={loc.query.get('brand') ?? ''} action={loc.query.get('action') ?? ''} />;
    case 'value':
      return <ValuePage />;
    case 'settings':
      return <Settings />;
    case 'signin':
      return null;
    default:
      return (
        <Page title="Page not found">
          <p>
            There is no page here. <a href="/">Go to the overview</a>.
          </p>
        </Page>
      );
  }
}

export function ConsumerApp(props: { loc: Location }) {
  const session = consumerSession.use();
  const { loc } = props;
  const here = loc.path + (loc.query.toString() ? `?${loc.query}` : '');
  let content: preact.JSX.Element | null;
  if (session.status === 'loading') content = <Loading />;
  else if (session.status === 'out') {
    const consent = loc.path === '/consent';
    content = (
      <SignIn
        key={consent ? 'consent' : 'signin'}
        next={loc.path === '/signin' ? (loc.query.get('next') ?? '/') : here}
        stay={loc.path !== '/signin'}
        title={consent ? 'Sign in to answer a request' : loc.path === '/' ? 'Your data, your terms' : 'Sign in'}
        lead={
          consent ? 'A brand is asking for some of your data. Sign in to Trove, or create your account, to see exactly what it asks and decide.' : undefined
        }
      />
    );
  } else if (loc.path === '/signin') {
    const next = loc.query.get('next');
    queueMicrotask(() => navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true }));
    content = <Loading />;
  } else if (session.me.backup_prompt && loc.path !== '/consent') {
    // Not in front of a brand's request: it expires in minutes; the prompt comes after it.
    content = <BackupPrompt />;
  } else content = page(loc);
  return (
    <Shell
      home="/"
      product="Trove"
      nav={session.status === 'in' ? NAV : []}
      path={loc.path}
      footer="Trove keeps your data encrypted and shares it only on your terms. Every read is logged."
      onSignOut={session.status === 'in' ? () => void signOut().then(() => navigate('/')) : undefined}
    >
      {content}
    </Shell>
  );
}
