import { Code } from '@mantine/core';
import { Fragment } from 'react';

/** Plain text where `backticked` parts are commands: shown in code style, so they can be copied exactly. */
export function RichText({ text }: { text: string }) {
  const parts = text.split('`');
  // An odd count of backticks means an unpaired one: show the text as it is.
  if (parts.length % 2 === 0) return <>{text}</>;
  return <>{parts.map((p, i) => (i % 2 === 1 ? <Code key={i}>{p}</Code> : <Fragment key={i}>{p}</Fragment>))}</>;
}
