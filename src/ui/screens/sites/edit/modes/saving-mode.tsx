import { useScreenKeys } from '../../../../shell/shell-context.tsx';
import { savingKeymap } from '../site-form-keymap.ts';
import type { SiteEdit } from '../use-site-edit.ts';
import { SiteEditReview, useReviewLines } from './review-mode.tsx';

/** The save is under way: the review stays on screen and no key but the global ones does anything. */
export function SavingMode({ edit }: { edit: SiteEdit }) {
  const lines = useReviewLines(edit);
  useScreenKeys<never>({ keymap: savingKeymap, onAction() {} });
  return <SiteEditReview edit={edit} lines={lines} />;
}
