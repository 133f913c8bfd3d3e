/** The example client's operations: the service's signature question, and finding a unit by name. */
import { graphql } from "./gql/index.ts";

/** Whom must this unit report to, how often, through whom, and on what legal basis? */
export const SignatureQuestion = graphql(`
  query SignatureQuestion($unitId: ID!, $asOf: Date) {
    unit(id: $unitId, asOf: $asOf) {
      id
      name
      kindLabel
    }
    reportingObligations(unitId: $unitId, asOf: $asOf) {
      recipient {
        id
        name
      }
      frequencyLabels
      via {
        id
        name
      }
      basis {
        id
        label
      }
      rule {
        id
        title
      }
    }
  }
`);

/** Units whose name matches some words, to find the id the signature question takes. */
export const FindUnits = graphql(`
  query FindUnits($text: String!, $asOf: Date) {
    searchUnits(text: $text, first: 5, asOf: $asOf) {
      id
      name
      kindLabel
    }
  }
`);
