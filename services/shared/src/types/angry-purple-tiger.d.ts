// angry-purple-tiger ships JavaScript only; this is the one call we make of it.
declare module 'angry-purple-tiger' {
  export default function animalHash(input: string, options?: { style?: 'titlecase' | 'lowercase' | 'uppercase'; separator?: string }): string;
}

// The three word lists the digest picks from (256 each), to tell a name that could exist from a typo.
declare module 'angry-purple-tiger/lib/adjectives.js' {
  const words: readonly string[];
  export default words;
}
declare module 'angry-purple-tiger/lib/colors.js' {
  const words: readonly string[];
  export default words;
}
declare module 'angry-purple-tiger/lib/animals.js' {
  const words: readonly string[];
  export default words;
}
