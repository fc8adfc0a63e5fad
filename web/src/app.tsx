// The portal's root: the auditor's pages (loaded on demand, so consumers never download
// them) under /auditor, the consumer's everywhere else.
import { useEffect, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { ConsumerApp } from './consumer-app.tsx';
import { useLocation, type Location } from './router.ts';
import { Loading } from './ui/bits.tsx';

type AuditorModule = { AuditorApp: ComponentType<{ loc: Location }> };
let auditor: Promise<AuditorModule> | null = null;

function Auditor(props: { loc: Location }) {
  const [mod, setMod] = useState<AuditorModule | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    auditor ??= import('./auditor/auditor-app.tsx');
    auditor.then(setMod, () => setFailed(true));
  }, []);
  if (failed) return <p role="alert">The auditor pages could not be loaded. Reload to try again.</p>;
  return mod ? <mod.AuditorApp loc={props.loc} /> : <Loading />;
}

export function App() {
  const loc = useLocation();
  return loc.path === '/auditor' || loc.path.startsWith('/auditor/') ? <Auditor loc={loc} /> : <ConsumerApp loc={loc} />;
}
