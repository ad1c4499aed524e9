"""Word lists the scrubber uses to tell a person's name from an IT word.

All entries are folded (lower case, no accents). `FIRST_NAMES` are common given names in
France, the UK, the US and the people they work with; `WORD_NAMES` are given names that
are also ordinary words ("will", "rose", "pierre") and count as names only when written
with a capital inside a sentence or before a surname. `IT_WORDS` are capitalised words
of IT questions (vendors, products, places in a building) that are never a name, and
`COMMON_WORDS` the small words that never start a surname or a login.
"""
from __future__ import annotations

FIRST_NAMES = frozenset("""
aaron abdel abdel abdellah abdou adam adele adrien agathe agnes ahmed aicha alain alan albert alex alexander
alexandra alexandre alexis alice alicia aline alison amandine amelie amina amir amy ana anais andre andrea
andrew angela angelique anne annie anthony antoine antonio arnaud arthur audrey aurelie aurelien axel aya
barbara baptiste benjamin benoit bernard bertrand betty brandon brian bruno camille carla carlos caroline
catherine cecile celine charles charlene charlotte chloe christine christophe claire clara clement colin
coralie corinne damien daniel danielle david deborah delphine denis diane didier dimitri dominique dorothy
dylan edouard elena eliane elise elisabeth elizabeth elodie eloise emilie emily emma emmanuel eric erwan
estelle ethan etienne eugenie fabien fabrice fanny fatima fatou florence florian francois francoise frederic
gabriel gael gaelle gary genevieve georges gerard ghislaine gilles gregory guillaume helene henri herve hugo
hugues ibrahim ines irene isabelle jacqueline jacques james jamal jason jeanne jeremy jerome jessica joel
johan john johnny jonathan jordan jose joseph josephine julie julien juliette justin karen karim karima
kathleen katia kelly kenza kevin khadija laetitia laura laurence laurent lea leila leon lina linda lionel
lisa loic louis louise luc lucas lucie ludovic luis lydie madeleine magali malik manon marc marcel margaux
margot maria marie marine marion martine mathieu mathilde matthew matthieu maud maurice maxime melanie
melissa michael michel michele michelle mickael mohamed mohammed monique morgane muriel nadia nadine nancy
nathalie nathan nicolas nina noah noemie nora oceane olga olivia olivier omar oscar pascale patrice patricia
patrick paul paula pauline peter philippe pierrick priya quentin rachel rachid raphael raymond rebecca regis
remi remy renaud richard robert robin romain sabrina samia samir samuel sandra sandrine sara sarah sebastien
serge severine simon simone sofia sonia sophie stephane stephanie steven sylvain sylvie tatiana theo therese
thierry thomas timothee tristan valentin valerie vanessa veronique vincent virginie william xavier yann
yannick yasmine yves yvonne zoe wei li ming chen hiroshi yuki raj rahul anil sunil deepak pooja anita
sanjay vijay arjun fernando pablo miguel javier juan diego sergio marco matteo giulia francesca luca
giovanni stefan lukas anna piotr pawel katarzyna agnieszka tomasz ivan dmitri natasha sven lars erik ingrid
kenji sakura mehdi youssef hassan hamza sami nabil sophia jennifer susan lisa karen donna carol sharon
kimberly ashley brenda debbie heidi emilia lena jonas finn felix julian kai leo mia lara nadege
""".split())

WORD_NAMES = frozenset("""
will may mark bill grace rose guy max jean pierre sue pat april june august victor olive penny ray gene joy
hope faith dawn eve lance rob jack frank nick don chase hunter amber holly ivy iris daisy lily violet heather
dean drew grant miles norman sandy wade bob christian noel blanche fleur marin constance prudence aime
claude pascal basile lou rene roger victoire ange morgan sky summer chance stone
""".split())

IT_WORDS = frozenset("""
microsoft windows office outlook teams excel word powerpoint onenote onedrive sharepoint exchange azure
intune defender edge internet explorer skype lync access visio project publisher dynamics power automate
apps bi copilot cortana bing hello store update updates insider server desktop remote manager task device
control panel settings explorer file files company portal authenticator security center centre
google chrome gmail drive meet docs sheets slides android pixel apple mac macos ios ipad iphone icloud
safari keychain facetime airdrop mozilla firefox thunderbird adobe acrobat reader pro dc photoshop
illustrator creative cloud cisco anyconnect webex jabber zoom slack citrix workspace receiver vmware
horizon workstation fusion oracle java sap fiori concur workday salesforce servicenow jira confluence
github gitlab bitbucket docker kubernetes linux ubuntu debian fedora red hat python node visual studio
code dell hp lenovo thinkpad latitude elitebook probook surface laptop book go precision optiplex
vantage support assist lexmark canon epson brother xerox ricoh konica minolta kyocera laserjet officejet
logitech jabra plantronics poly sennheiser bose samsung galaxy lg asus acer toshiba fujitsu intel amd
nvidia realtek broadcom qualcomm wifi wi-fi bluetooth ethernet usb hdmi displayport thunderbolt vpn
forticlient fortinet palo alto globalprotect pulse secure okta duo lastpass bitwarden keepass dropbox
box wetransfer notepad paint snipping tool calculator photos camera mail calendar people contacts
new old my the a an not no yes please help ok hi hello bonjour merci salut error erreur issue problem
monday tuesday wednesday thursday friday saturday sunday january february march april june july august
september october november december lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier
mars avril mai juin juillet aout septembre octobre novembre decembre english french francais anglais
building batiment floor etage room salle meeting reunion hall block site head quarters reception
le la les un une des du de mon ma mes ce cette mes nos votre vos gestionnaire taches panneau configuration
parametres bureau distance poste travail centre logiciels portail entreprise mise jour
""".split())

COMMON_WORDS = frozenset("""
a an the and or but if of to in on at by for from with without about as is are was were be been has have
had do does did doesn't don't didn't can can't cannot could couldn't won't wouldn't isn't aren't wasn't
will would should shall may might must not no yes it its it's this that these those there here he she
they we you i me my mine your his her their our us them who what when where why how which
gets got get keeps keep still again also just only now since after before then than so too very all any
some every each one two both more most less no none nothing everything something anything
locked blocked expired works working work broken stuck missing wrong slow down up out off over
is has needs wants cant cannot won't needs asks says said sees sent send can't print login log sign
et ou mais si de du des le la les un une au aux en dans sur sous par pour avec sans chez vers entre
est sont etait a ai as avons avez ont ne pas plus n'a n'est n'ai n'arrive n'arrivent peut peux veut
il elle ils elles on nous vous je tu me te se lui leur leurs son sa ses mon ma mes ton ta tes notre
qui que quoi quand comment pourquoi ou dont ce cet cette ces ca cela
passe mot encore toujours deja aussi depuis apres avant puis bloque bloquee expire marche fonctionne plante
""".split())

ACRONYMS = frozenset("""
vpn usb hdmi dns dhcp ip tcp udp http https ftp smtp imap pop ssl tls ssh rdp sso mfa pin sim pc it
hr rh cpu gpu ram ssd hdd bios uefi os ad aad gpo ldap sap erp crm pdf csv xml json api url
lan wan wifi nas san vm mac ios sms tv led lcd ups kb id ok faq sla itsm esn dsi drh rgpd gdpr bsod
ntfs fat exfat wsus sccm mdm byod voip sip dect ip wps ap pme tva rib cv cdi cdd
""".split())

VENDORS = frozenset("""
hp epson brother canon lexmark xerox ricoh kyocera konica minolta dell lenovo samsung logitech jabra asus
acer toshiba fujitsu plantronics poly sennheiser bose lg sharp sony philips zebra cisco netgear tp-link
dymo apple microsoft surface thinkpad latitude elitebook probook optiplex laserjet officejet pixma
workcentre imagerunner bizhub ecosys yealink avaya polycom aruba ubiquiti synology qnap
""".split())
