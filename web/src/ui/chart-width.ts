// The width the portal's charts draw at: narrower on phones, so their axis labels stay
// readable when the drawing is scaled down (the activity and value charts share it).
import { useEffect, useState } from 'preact/hooks';

const NARROW = '(max-width: 36rem)';

export function useChartWidth(): number {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const mq = matchMedia(NARROW);
    const on = () => setNarrow(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return narrow ? 360 : 640;
}
