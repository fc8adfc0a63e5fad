// The purposes a brand may state, as Data Privacy Vocabulary (DPV) IRIs with the plain
// words the consent screen shows. Anything else is refused at PAR.
export const DPV = 'https://w3id.org/dpv#';

export const PURPOSES: Readonly<Record<string, string>> = {
  ServiceProvision: 'To provide a service you asked for',
  RequestedServiceProvision: 'To provide the service you requested',
  DeliveryOfGoods: 'To deliver goods to you',
  CustomerCare: 'For customer care',
  CustomerManagement: 'To manage your customer relationship',
  CustomerRelationshipManagement: 'To manage your customer relationship',
  MemberPartnerManagement: 'To manage your membership or loyalty programme',
  PersonalisedBenefits: 'To offer you personal benefits',
  Personalisation: 'To personalise what you see',
  ServicePersonalisation: 'To personalise the service for you',
  ProvidePersonalisedRecommendations: 'To recommend products for you',
  ProvideProductRecommendations: 'To recommend products',
  PersonalisedAdvertising: 'To send you personalised offers',
  TargetedAdvertising: 'To show you targeted advertising',
  Marketing: 'For marketing',
  DirectMarketing: 'To contact you with offers',
  SellProducts: 'To sell you products',
  CommunicationForCustomerCare: 'To communicate with you about your orders',
  IdentityVerification: 'To verify your identity',
  AgeVerification: 'To verify your age',
  FraudPreventionAndDetection: 'To prevent fraud',
  ResearchAndDevelopment: 'For research and development',
};

export function purposeLabel(iri: string): string | undefined {
  return iri.startsWith(DPV) ? PURPOSES[iri.slice(DPV.length)] : undefined;
}
